// The --vscode-* variables the section map uses, with the values VS Code's default Light Modern,
// Dark Modern and High Contrast themes give them (the webview gets these injected by VS Code).
export const THEMES: Record<string, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: "vscode-light",
    vars: {
      "font-family": "system-ui, sans-serif", "font-size": "13px", "editor-font-family": "monospace",
      foreground: "#3b3b3b", "editor-background": "#ffffff", descriptionForeground: "#717171",
      errorForeground: "#f85149", "editorWarning-foreground": "#bf8803", "testing-iconPassed": "#388a34",
      "textBlockQuote-background": "#f8f8f8", "charts-blue": "#1a85ff", "charts-purple": "#652d90",
      "charts-orange": "#d18616", "charts-green": "#388a34", disabledForeground: "#61616180",
      "input-background": "#ffffff", "input-foreground": "#3b3b3b", "input-border": "#cecece",
      focusBorder: "#005fb8", "panel-border": "#e5e5e5", "list-activeSelectionBackground": "#e8e8e8",
      "list-activeSelectionForeground": "#000000", "diffEditor-insertedTextBackground": "#9ccc2c40",
      "settings-textInputBackground": "#ffffff", "settings-textInputForeground": "#3b3b3b", "settings-textInputBorder": "#cecece", "settings-dropdownBackground": "#ffffff", "settings-dropdownForeground": "#3b3b3b", "settings-dropdownBorder": "#cecece", "settings-dropdownListBorder": "#c8c8c8", "button-background": "#005fb8", "button-foreground": "#ffffff", "button-hoverBackground": "#0258a8", "button-secondaryBackground": "#e5e5e5", "button-secondaryForeground": "#3b3b3b", "input-placeholderForeground": "#767676",
    },
  },
  dark: {
    bodyClass: "vscode-dark",
    vars: {
      "font-family": "system-ui, sans-serif", "font-size": "13px", "editor-font-family": "monospace",
      foreground: "#cccccc", "editor-background": "#1f1f1f", descriptionForeground: "#9d9d9d",
      errorForeground: "#f85149", "editorWarning-foreground": "#cca700", "testing-iconPassed": "#73c991",
      "textBlockQuote-background": "#2b2b2b", "charts-blue": "#3794ff", "charts-purple": "#b180d7",
      "charts-orange": "#d18616", "charts-green": "#89d185", disabledForeground: "#cccccc80",
      "input-background": "#313131", "input-foreground": "#cccccc", "input-border": "#3c3c3c",
      focusBorder: "#0078d4", "panel-border": "#2b2b2b", "list-activeSelectionBackground": "#04395e",
      "list-activeSelectionForeground": "#ffffff", "diffEditor-insertedTextBackground": "#9ccc2c33",
      "settings-textInputBackground": "#313131", "settings-textInputForeground": "#cccccc", "settings-textInputBorder": "#3c3c3c", "settings-dropdownBackground": "#313131", "settings-dropdownForeground": "#cccccc", "settings-dropdownBorder": "#3c3c3c", "settings-dropdownListBorder": "#454545", "button-background": "#0078d4", "button-foreground": "#ffffff", "button-hoverBackground": "#026ec1", "button-secondaryBackground": "#313131", "button-secondaryForeground": "#cccccc", "input-placeholderForeground": "#989898",
    },
  },
  "high-contrast": {
    bodyClass: "vscode-high-contrast",
    vars: {
      "font-family": "system-ui, sans-serif", "font-size": "13px", "editor-font-family": "monospace",
      foreground: "#ffffff", "editor-background": "#000000", descriptionForeground: "#ffffff",
      errorForeground: "#f48771", "editorWarning-foreground": "#ffd700", "testing-iconPassed": "#73c991",
      "textBlockQuote-background": "#000000", "charts-blue": "#3794ff", "charts-purple": "#b180d7",
      "charts-orange": "#ffa500", "charts-green": "#89d185", disabledForeground: "#a5a5a5",
      "input-background": "#000000", "input-foreground": "#ffffff", "input-border": "#6fc3df",
      focusBorder: "#f38518", "panel-border": "#6fc3df", "list-activeSelectionBackground": "#000000",
      "list-activeSelectionForeground": "#ffffff", "diffEditor-insertedTextBackground": "#33ff2e33",
      "settings-textInputBackground": "#000000", "settings-textInputForeground": "#ffffff", "settings-textInputBorder": "#6fc3df", "settings-dropdownBackground": "#000000", "settings-dropdownForeground": "#ffffff", "settings-dropdownBorder": "#6fc3df", "settings-dropdownListBorder": "#6fc3df", "button-background": "#000000", "button-foreground": "#ffffff", "button-border": "#6fc3df", "button-secondaryBackground": "#000000", "button-secondaryForeground": "#ffffff", "input-placeholderForeground": "#ffffffb3",
    },
  },
}; // prettier-ignore
