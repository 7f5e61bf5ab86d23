-- POST of a JSON object of exactly SIZE bytes (the first script argument,
-- default 1024) for wrk: an order with a customer and line items, padded
-- with a note to the size. Compact ASCII JSON, so an echo that parses and
-- re-serializes it answers the same bytes.
-- Usage: wrk -s post-json.lua URL -- 1024

local function item(i)
  return string.format('{"sku":"sku-%04d","name":"Item number %d","qty":%d,"price":%d}', i, i, i % 5 + 1, 199 * i)
end

local function order(size)
  local items = {}
  for i = 1, 10 do items[i] = item(i) end
  local head = '{"id":"ord_7f3a9c","type":"order.created","created":"2026-11-23T20:00:00Z",'
    .. '"customer":{"id":"cus_0042","name":"Ada Lovelace","email":"ada@example.com","vip":true},'
    .. '"items":[' .. table.concat(items, ',') .. '],"note":"'
  local tail = '"}'
  local pad = size - #head - #tail
  if pad < 0 then error("post-json.lua: size " .. size .. " is below the minimum " .. (#head + #tail)) end
  return head .. string.rep("n", pad) .. tail
end

init = function(args)
  wrk.method = "POST"
  wrk.body = order(tonumber(args[1]) or 1024)
  wrk.headers["Content-Type"] = "application/json"
end
