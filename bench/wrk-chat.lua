-- wrk script for the chat turn benchmark: every connection talks to a conversation of its own.
--
--   wrk -t2 -c32 -d15s --latency -s bench/wrk-chat.lua URL -- CONVERSATIONS_FILE THREADS RUN_TAG
--
-- CONVERSATIONS_FILE has one "id token" line per pre-started conversation (more than connections: spares).
-- wrk calls request() per thread without saying which connection asks, so each thread keeps a free list of its
-- conversations: request() takes one, and response() gives it back once its reply is in. The reply names the
-- conversation, because the text sent is "k<index> ..." and the echo flow answers "You said: k<index> ...".
-- A connection sends its next turn only after its reply (wrk never pipelines here), so no conversation ever has
-- two turns in flight. A reply without the marker (an error, or 202 pending) retires that conversation and a
-- spare takes over; if spares ran out, "overflow" counts requests that had to reuse a busy conversation.

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

conversations = {}
free = {}
sent = 0
markerless = 0
overflow = 0
pending = 0
not_ok = 0
local rr = 0
local tag = "run"

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  tag = args[3] or tag
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then
      local id, token = line:match("^(%S+)%s+(%S+)")
      if id then
        table.insert(conversations, { path = "/api/v1/chat/conversations/" .. id .. "/messages/",
                                      auth = "Bearer " .. token })
      end
    end
    i = i + 1
  end
  for k = #conversations, 1, -1 do
    table.insert(free, k)
  end
end

function request()
  local k = table.remove(free)
  if k == nil then
    overflow = overflow + 1
    rr = rr % #conversations + 1
    k = rr
  end
  sent = sent + 1
  local c = conversations[k]
  local body = string.format('{"text":"k%d hello","client_message_id":"%s-%d-%d"}', k, tag, tid, sent)
  return wrk.format("POST", c.path, { ["Content-Type"] = "application/json", ["Authorization"] = c.auth }, body)
end

function response(status, headers, body)
  if status == 202 then
    pending = pending + 1
  elseif status ~= 200 then
    not_ok = not_ok + 1
  end
  local k = tonumber(body:match("You said: k(%d+) "))
  if k then
    table.insert(free, k)
  else
    markerless = markerless + 1
  end
end

function done(summary, latency, requests)
  local totals = { sent = 0, markerless = 0, overflow = 0, pending = 0, not_ok = 0 }
  for _, t in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (t:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"sent":%d,"markerless":%d,"overflow":%d,"pending":%d,"not_ok":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
    latency.mean, totals.sent, totals.markerless, totals.overflow, totals.pending, totals.not_ok))
end
