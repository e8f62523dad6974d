-- Purgatory Lens as an nvim-lspconfig custom server (init.lua, with nvim-lspconfig installed).
-- It attaches to Makefiles and Kbuild files, C and assembly sources and linker scripts (*.lds,
-- *.ld, *.lds.S) in a tree that has a purgatory. lspconfig attaches by filetype: teach Neovim the
-- Kbuild and *.lds names first (*.ld is already "ld", *.lds.S "asm").
vim.filetype.add({
  filename = { Kbuild = "make" },
  extension = { lds = "ld", ld = "ld" },
})

local configs = require("lspconfig.configs")
if not configs.purgatory_lens then
  configs.purgatory_lens = {
    default_config = {
      cmd = { "purgatory-lens", "lsp", "--stdio" },
      filetypes = { "make", "c", "asm", "ld" },
      root_dir = function(file)
        local util = require("lspconfig.util")
        local root = util.root_pattern("arch")(file)
        if root and vim.fn.glob(root .. "/arch/*/purgatory") ~= "" then
          return root
        end
        root = util.root_pattern("configure.ac")(file)
        if root and vim.fn.isdirectory(root .. "/purgatory") == 1 then
          return root
        end
        return nil
      end,
      single_file_support = false,
      -- The VS Code settings' names; e.g. { kernelVersion = "6.8", ramSize = "16G" }.
      init_options = { purgatoryLens = {} },
    },
  }
end
require("lspconfig").purgatory_lens.setup({})
