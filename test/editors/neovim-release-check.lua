-- Opens the purgatory's Makefile in a tree with no settings and writes the diagnostics Neovim shows
-- there to $PL_OUT as JSON, for neovim-tree-release.test.ts. $PL_TREE: the tree.
local makefile = os.getenv("PL_TREE") .. "/arch/x86/purgatory/Makefile"
local seen = {}
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(makefile))
  local function diagnostics()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(0)) do
      local lsp = (d.user_data or {}).lsp or {}
      table.insert(out, { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, code = lsp.code })
    end
    return out
  end
  -- The entry finding is there whatever the release: information under 7.2, a warning under 6.8.
  vim.wait(20000, function()
    for _, d in ipairs(diagnostics()) do
      if d.code == "entry-multiple-sections" then
        return true
      end
    end
    return false
  end, 50)
  seen.diagnostics = diagnostics()
end)
if not ok then
  seen.error = tostring(err)
end
local f = assert(io.open(os.getenv("PL_OUT"), "w"))
f:write(vim.json.encode(seen))
f:close()
vim.cmd("qall!")
