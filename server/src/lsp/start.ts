// Starts the language server on a connection: the one start-up shared by dist/server.js (which the VS
// Code extension runs) and `purgatory-lens lsp` (which other editors run).
import { Console } from "node:console";
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  type Connection,
  type MessageReader,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { encodedJsonWriter } from "./encoded-json";
import { PurgatoryServer } from "./server";

export function startServer(connection: Connection): PurgatoryServer {
  const documents = new TextDocuments(TextDocument);
  const server = new PurgatoryServer(connection, documents);
  documents.listen(connection);
  connection.listen();
  return server;
}

/**
 * The server on this process's stdin and stdout, with the writer that sends the report request's
 * ready answer as it is. stdout carries only the protocol: console output goes to stderr.
 */
export function startStdioServer(): PurgatoryServer {
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  // The library wraps a stream and takes a writer as it is, one by one, though its overloads name
  // only two streams or two of its own objects; stdin stays a stream so that the server still exits
  // when its client goes away without a word.
  const input = process.stdin as unknown as MessageReader;
  return startServer(createConnection(ProposedFeatures.all, input, encodedJsonWriter(process.stdout)));
}

/** The server on the transport named on the command line (--stdio, --node-ipc, --socket=N, --pipe=N). */
export function startServerFromArgv(): PurgatoryServer {
  if (process.argv.slice(2).includes("--stdio")) return startStdioServer();
  return startServer(createConnection(ProposedFeatures.all));
}
