-- Drives headless Neovim (its own LSP client, with the README's configuration already sourced)
-- through the editors tier's scenario on a copy of examples/linux, and writes what it saw to
-- $PL_OUT as JSON for neovim.test.ts to check. It asserts nothing itself: the test does.
-- $PL_TREE: the tree; $PL_SIGNAL: a folder for the "rebuild now" / "rebuilt" handshake with the test,
-- which rebuilds the object from outside the editor.
local tree = os.getenv("PL_TREE")
local signal = os.getenv("PL_SIGNAL")
local pdir = tree .. "/arch/x86/purgatory"
local makefile = pdir .. "/Makefile"
local source = pdir .. "/purgatory.c"
local seen = { steps = {} }

local function step(name)
  table.insert(seen.steps, name)
end

local function finish()
  local f = assert(io.open(os.getenv("PL_OUT"), "w"))
  f:write(vim.json.encode(seen))
  f:close()
  vim.cmd("qall!")
end

local function diagnostics_of(path)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(vim.uri_to_bufnr(vim.uri_from_fname(path)))) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      code = lsp.code or d.code,
      message = d.message,
    })
  end
  return out
end

local function has_code(path, code)
  for _, d in ipairs(diagnostics_of(path)) do
    if d.code == code then
      return true
    end
  end
  return false
end

local ok, err = pcall(function()
  -- 1. Open only the C source: the client starts; the Makefile, never opened, gets diagnostics.
  vim.cmd("edit " .. vim.fn.fnameescape(source))
  vim.wait(20000, function()
    return has_code(makefile, "reloc-overflow")
  end, 50)
  seen.attached = #vim.tbl_keys(vim.lsp.buf_get_clients(0))
  seen.makefile_loaded_before_open = vim.fn.bufloaded(vim.fn.bufnr(makefile)) == 1
  seen.makefile_diagnostics = diagnostics_of(makefile)
  step("diagnostics")

  -- 2. Hover purgatory_sha_regions, through the client's own request and position encoding.
  local lnum = vim.fn.search("purgatory_sha_regions", "w")
  local col = vim.fn.col(".") + 2
  vim.api.nvim_win_set_cursor(0, { lnum, col })
  local params = vim.lsp.util.make_position_params()
  local replies = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 10000) or {}
  for _, r in pairs(replies) do
    if r.result and r.result.contents then
      seen.hover = r.result.contents.value or r.result.contents
    end
  end
  step("hover")

  -- 3. The quick fix on the Makefile's -mcmodel line, chosen as a user would from vim.ui.select,
  --    applied by the client, then saved.
  vim.cmd("edit " .. vim.fn.fnameescape(makefile))
  vim.wait(10000, function()
    return #vim.lsp.diagnostic.get_line_diagnostics(0, vim.fn.search("-mcmodel=large", "nw") - 1) > 0
  end, 50)
  vim.api.nvim_win_set_cursor(0, { vim.fn.search("PURGATORY_CFLAGS := -mcmodel=large", "w"), 22 })
  seen.code_actions = {}
  local chosen = false
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      local title = opts.format_item(item)
      table.insert(seen.code_actions, title)
      if not chosen and title:find("-mcmodel=small -fpic -fvisibility=hidden", 1, true) then
        chosen = true
        on_choice(item)
      end
    end
  end
  vim.lsp.buf.code_action()
  vim.wait(10000, function()
    return chosen and vim.fn.search("-mcmodel=small -fpic", "nw") > 0
  end, 50)
  vim.cmd("write")
  local f = assert(io.open(makefile))
  seen.saved_makefile = f:read("*a")
  f:close()
  step("code action")

  -- 4. The test rebuilds the object from outside the editor; the diagnostics follow, with no
  --    didChangeWatchedFiles from this client (it sends none at all).
  seen.before_rebuild = diagnostics_of(makefile)
  io.open(signal .. "/rebuild-now", "w"):close()
  vim.wait(60000, function()
    return vim.loop.fs_stat(signal .. "/rebuilt") ~= nil
  end, 50)
  vim.wait(20000, function()
    return not has_code(makefile, "entry-multiple-sections")
  end, 50)
  seen.after_rebuild = diagnostics_of(makefile)
  step("rebuild")

  -- 5. Re-simulation through workspace/executeCommand.
  local client = vim.lsp.buf_get_clients(0)[next(vim.lsp.buf_get_clients(0))]
  seen.commands = client.server_capabilities
      and client.server_capabilities.executeCommandProvider
      and client.server_capabilities.executeCommandProvider.commands
    or (client.resolved_capabilities.execute_command and {})
  local r = client.request_sync("workspace/executeCommand", { command = "purgatoryLens.resimulate" }, 20000, 0)
  seen.resimulate = r and r.result
  seen.offset_encoding = client.offset_encoding
  step("executeCommand")
end)
if not ok then
  seen.error = tostring(err)
end
finish()
