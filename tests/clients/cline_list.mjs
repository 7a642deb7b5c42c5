// Copyright (c) mcpfleet maintainers
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later
// Cline has no list command: load the user's settings file with Cline's own SDK (@cline/core,
// as bundled by the installed `cline`), connect to every server and print one JSON document.
// Usage: node cline_list.mjs <cline npm prefix>. Env values are never printed.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const core = await import(pathToFileURL(join(process.argv[2], "node_modules", "@cline", "core", "dist", "index.js")).href);
const settingsPath = core.resolveDefaultMcpSettingsPath();
const servers = [];
for (const registration of core.resolveMcpServerRegistrations({ filePath: settingsPath })) {
  const manager = new core.InMemoryMcpManager({ clientFactory: core.createDefaultMcpServerClientFactory({ settingsPath }) });
  const { transport } = registration;
  const server = {
    name: registration.name,
    type: transport.type,
    command: transport.command,
    args: transport.args,
    env_names: Object.keys(transport.env || {}).sort(),
    timeoutSeconds: registration.timeoutSeconds ?? null,
    disabled: Boolean(registration.disabled),
    connected: false,
    tools: null,
    error: null,
  };
  try {
    await manager.registerServer(registration);
    await manager.connectServer(registration.name);
    server.tools = (await manager.listTools(registration.name)).map((tool) => tool.name);
    server.connected = true;
  } catch (error) {
    server.error = String(error && error.message ? error.message : error);
  } finally {
    await manager.dispose();
  }
  servers.push(server);
}
process.stdout.write(JSON.stringify({ settingsPath, servers }) + "\n");
process.exit(0);
