// Entry point of the bundled language server (dist/server.js): --stdio or --node-ipc, chosen by the
// client (vscode-languageclient passes --node-ipc; tests and other editors use --stdio).
import { createConnection, ProposedFeatures, TextDocuments } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { PurgatoryServer } from "./server";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
new PurgatoryServer(connection, documents);
documents.listen(connection);
connection.listen();
