// Starts `supernodec lsp` for .sn files. Everything else (diagnostics, hover,
// definition, completion, outline, formatting) comes from the language server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("supernodec");
  const serverOptions = {
    command: config.get("path", "supernodec"),
    args: ["lsp"],
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "sn" }],
    initializationOptions: { searchPath: config.get("searchPath", []) },
  };
  client = new LanguageClient("supernodec", "supernodec", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
