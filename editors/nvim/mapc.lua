-- mapc for Neovim (0.7 and later): `*.map` files get the filetype `mapc`
-- and the language server `mapc lsp` (diagnostics as you type, hover,
-- completion, go to definition, references, formatting, outline).
--
-- Put this file in your config (say ~/.config/nvim/lua/mapc.lua) and add
-- `require("mapc")` to init.lua; or `:luafile path/to/mapc.lua`. The
-- command is `mapc` on PATH unless `vim.g.mapc_command` names another.
-- Format with `:lua vim.lsp.buf.formatting()` (0.7) or
-- `:lua vim.lsp.buf.format()` (0.8 and later).

local M = {}

-- one client per project directory (Neovim 0.7 has no vim.lsp.start)
local clients = {}

function M.start(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local file = vim.api.nvim_buf_get_name(bufnr)
  local config = {
    name = "mapc",
    cmd = { vim.g.mapc_command or "mapc", "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":p:h"),
  }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients[config.root_dir]
  if not id or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

local group = vim.api.nvim_create_augroup("mapc", { clear = true })
vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  group = group,
  pattern = "*.map",
  callback = function(args)
    vim.bo[args.buf].filetype = "mapc"
    vim.bo[args.buf].commentstring = "# %s"
  end,
})
vim.api.nvim_create_autocmd("FileType", {
  group = group,
  pattern = "mapc",
  callback = function(args)
    M.start(args.buf)
  end,
})

return M
