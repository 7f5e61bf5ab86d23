-- Signed POSTs for wrk, whose Lua cannot compute an HMAC: bench/signed-requests.ts
-- signs them ahead, each with its own nonce, into FILE; this script sends
-- one per call, in the file's order, so no nonce is sent twice (a server
-- that verifies signatures refuses a repeated one with 401).
--
-- FILE: the header fields every request has ("Name: value", one per line),
-- a blank line, the body on one line, then one line per request: the fields
-- it was signed with, separated by tabs. Should the file run out, the
-- script starts it again and says so at the end: the signed servers then
-- refuse the repeats, and the harness stops on the 401s.
-- Usage: wrk -s signed-post.lua URL -- FILE

local function add_field(headers, text)
  local name, value = text:match("^([^:]+): (.*)$")
  if name == nil then error("signed-post.lua: not a header field: " .. text) end
  headers[name] = value
end

local function open(path)
  local lines = io.lines(path)
  local common = {}
  for line in lines do
    if line == "" then break end
    add_field(common, line)
  end
  return lines, common, lines()
end

local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  path = args[1] or error("signed-post.lua: the file of signed requests is its first argument")
  next_line, common, body = open(path)
  wrk.method = "POST"
  wrk.body = body
  sent, restarts = 0, 0
end

request = function()
  local line = next_line()
  if line == nil then
    next_line = open(path)
    restarts = restarts + 1
    line = next_line()
  end
  sent = sent + 1
  local headers = {}
  for name, value in pairs(common) do headers[name] = value end
  for text in line:gmatch("[^\t]+") do add_field(headers, text) end
  return wrk.format(nil, nil, headers, nil)
end

done = function()
  for _, thread in ipairs(threads) do
    local restarts = thread:get("restarts")
    if restarts > 0 then
      print(string.format("signed-post.lua: %d requests sent from %s, which ran out %d times: the rest were replays",
        thread:get("sent"), thread:get("path"), restarts))
    end
  end
end
