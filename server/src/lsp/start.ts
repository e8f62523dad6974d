// Starts the language server on a connection: the one start-up shared by dist/server.js (which the VS
// Code extension runs) and `purgatory-lens lsp` (which other editors run).
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  type Connection,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { PurgatoryServer } from "./server";

export function startServer(connection: Connection): PurgatoryServer {
  const documents = new TextDocuments(TextDocument);
  const server = new PurgatoryServer(connection, documents);
  documents.listen(connection);
  connection.listen();
  return server;
}

/** The server on this process's stdin and stdout. */
export function startStdioServer(): PurgatoryServer {
  return startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
}

/** The server on the transport named on the command line (--stdio, --node-ipc, --socket=N, --pipe=N). */
export function startServerFromArgv(): PurgatoryServer {
  return startServer(createConnection(ProposedFeatures.all));
}
