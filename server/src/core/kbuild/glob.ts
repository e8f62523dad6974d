// Minimal glob matching for user-configured extra purgatory paths ("build/**/purgatory.ro",
// "out/*/kexec-purgatory.ro"). Supported: `**` (any number of folders), `*` and `?` within one path
// segment, `{a,b}` alternatives. Patterns and paths are "/"-separated and relative to a search root.

function toRegexSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      const close = glob.indexOf("}", i);
      if (close < 0) out += "\\{";
      else {
        out +=
          "(?:" +
          glob
            .slice(i + 1, close)
            .split(",")
            .map(toRegexSource)
            .join("|") +
          ")";
        i = close;
      }
    } else out += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return out;
}

/** Compile a glob into a matcher on relative paths. A leading "./" or "/" is ignored. */
export function globMatcher(glob: string): (relativePath: string) => boolean {
  const re = new RegExp("^" + toRegexSource(glob.replace(/^\.?\//, "")) + "$");
  return (p) => re.test(p);
}
