// Entry point of the bundled language server (dist/server.js): the transport is chosen by the client
// (the VS Code extension, the tests and other editors pass --stdio; --node-ipc and sockets work too).
import { startServerFromArgv } from "./start";

startServerFromArgv();
