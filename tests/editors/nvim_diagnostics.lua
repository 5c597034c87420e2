-- Run by tests/editors/nvim.sh inside a headless Neovim that has opened a
-- mapping with editors/nvim/mapc.lua loaded: waits for the diagnostics
-- Neovim's own LSP client received from `mapc lsp` and writes them, one per
-- line, to $MAPC_NVIM_OUT as `line:column:code:severity:message` (line and
-- column 0-based, the column in bytes as Neovim keeps it: the server's
-- UTF-16 column converted by Neovim).
local out = assert(os.getenv("MAPC_NVIM_OUT"), "MAPC_NVIM_OUT is not set")
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
local lines = {}
if not got then
  table.insert(lines, "no diagnostics within 20 s; LSP clients: " .. #vim.lsp.get_active_clients())
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local message = vim.split(d.message, "\n")[1]
  table.insert(lines, string.format("%d:%d:%s:%d:%s", d.lnum, d.col, tostring(d.code), d.severity, message))
end
vim.fn.writefile(lines, out)
vim.cmd("qa!")
