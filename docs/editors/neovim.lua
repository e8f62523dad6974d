-- Purgatory Lens in Neovim's built-in LSP client, no plugins (init.lua).
-- It attaches to Makefiles and Kbuild files, C and assembly sources and linker scripts
-- (*.lds, *.ld, *.lds.S) in a tree that has a purgatory: arch/*/purgatory/ (a kernel) or
-- purgatory/ (kexec-tools).
local purgatory_lens = {
  name = "purgatory-lens",
  cmd = { "purgatory-lens", "lsp", "--stdio" },
  -- The VS Code settings' names; e.g. { kernelVersion = "6.8", ramSize = "16G" }.
  init_options = { purgatoryLens = {} },
}

local function tree_root(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  local arch = vim.fn.finddir("arch", dir .. ";")
  if arch ~= "" and vim.fn.glob(vim.fn.fnamemodify(arch, ":p") .. "*/purgatory") ~= "" then
    return vim.fn.fnamemodify(arch, ":p:h:h")
  end
  local configure = vim.fn.findfile("configure.ac", dir .. ";")
  if configure ~= "" then
    local root = vim.fn.fnamemodify(configure, ":p:h")
    if vim.fn.isdirectory(root .. "/purgatory") == 1 then
      return root
    end
  end
  return nil
end

local clients = {} -- tree root -> client id, for Neovim 0.7, which has no vim.lsp.start
vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
  pattern = { "Makefile", "Kbuild", "*.c", "*.h", "*.S", "*.s", "*.lds", "*.ld", "*.lds.S" },
  callback = function(args)
    local root = tree_root(args.file)
    if not root then
      return
    end
    local config = vim.tbl_extend("force", purgatory_lens, { root_dir = root })
    if vim.lsp.start then -- Neovim 0.8 and later
      vim.lsp.start(config, { bufnr = args.buf })
      return
    end
    if not (clients[root] and vim.lsp.get_client_by_id(clients[root])) then
      clients[root] = vim.lsp.start_client(config)
    end
    vim.lsp.buf_attach_client(args.buf, clients[root])
  end,
})
