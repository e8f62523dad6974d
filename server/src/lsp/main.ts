// Entry point of the bundled language server (dist/server.js): --stdio or --node-ipc, chosen by the
// client (vscode-languageclient passes --node-ipc; tests and other editors use --stdio).
import { startServerFromArgv } from "./start";

startServerFromArgv();
