-- wrk script of the ingest benchmark: posts pre-signed deliveries, each at most once.
--
-- Arguments (after `--`): bodies file, path, thread count, a start file, sending seconds, and
-- `cycle` to reuse bodies (the hello-world stores nothing, so repeats cost it nothing).
-- The bodies file holds one delivery per line: signature, a tab, then the exact body. Thread k
-- takes lines k, k + threads, k + 2 × threads… so no two threads ever send the same body.
--
-- wrk starts each thread as soon as it has loaded its share, so the last thread to load writes
-- a start time into the start file and every thread waits for it: none gets a head start. Each
-- stops sending at start + sending seconds; wrk runs a little longer, so the deliveries still in
-- flight get their answer and are counted, and stored rows can be matched with 2xx answers.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *tp);
  int usleep(unsigned int usec);
]])
local timespec = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC, shared by all threads
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

-- Main state: hands each thread its number and keeps it for done().
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- Thread state.
local requests = {}
local nextRequest = 1
local cycle = false
local startFile, seconds, stopAt
local verified = false
sent = 0 -- requests handed to wrk, read by done()
exhausted = 0 -- 1 once this thread had no unsent body left
lateMs = 0 -- how long after the start time this thread sent its first request

function init(args)
  local file, path, threadCount = args[1], args[2], tonumber(args[3])
  startFile, seconds, cycle = args[4], tonumber(args[5]), args[6] == "cycle"
  -- wrk asks thread 0 for one request before starting it, only to parse it.
  verified = id ~= 0
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Content-Type"] = "application/json"
  headers["User-Agent"] = "python-requests/2.32.3"
  -- wrk.format's request line and headers once; per body only its own two headers vary.
  local head = wrk.format("POST", path, headers):sub(1, -3)
  local input = assert(io.open(file, "rb"))
  local text = input:read("*a")
  input:close()
  local line, from = 0, 1
  while from <= #text do
    local eol = text:find("\n", from, true) or (#text + 1)
    if line % threadCount == id then
      local tab = text:find("\t", from, true)
      local body = text:sub(tab + 1, eol - 1)
      requests[#requests + 1] = head
        .. "X-Eventyay-Signature: "
        .. text:sub(from, tab - 1)
        .. "\r\nContent-Length: "
        .. #body
        .. "\r\n\r\n"
        .. body
    end
    line, from = line + 1, eol + 1
  end
  text = nil
  collectgarbage()
  if id == threadCount - 1 then
    local out = assert(io.open(startFile, "w"))
    out:write(string.format("%.6f", now() + 0.1))
    out:close()
  end
end

-- Blocks this thread (nothing is in flight yet) until the common start time.
local function waitForStart()
  local startAt
  while startAt == nil do
    local input = io.open(startFile, "r")
    if input then
      startAt = tonumber(input:read("*a"))
      input:close()
    end
    if startAt == nil then
      ffi.C.usleep(2000)
    end
  end
  local wait = startAt - now()
  if wait > 0 then
    ffi.C.usleep(math.floor(wait * 1e6))
  else
    lateMs = math.floor(-wait * 1000)
  end
  stopAt = startAt + seconds
end

function request()
  if not verified then
    verified = true
    return wrk.format("GET", "/")
  end
  if stopAt == nil then
    waitForStart()
  end
  -- An empty request sends nothing and leaves the connection idle until wrk stops.
  if now() >= stopAt then
    return ""
  end
  if nextRequest > #requests then
    if not cycle or #requests == 0 then
      exhausted = 1
      return ""
    end
    nextRequest = 1
  end
  local r = requests[nextRequest]
  nextRequest = nextRequest + 1
  sent = sent + 1
  return r
end

-- One parseable line; latencies in microseconds from wrk's own distribution.
function done(summary, latency, _)
  local totalSent, exhaustedThreads, lateMost = 0, 0, 0
  for _, thread in ipairs(threads) do
    totalSent = totalSent + thread:get("sent")
    exhaustedThreads = exhaustedThreads + thread:get("exhausted")
    lateMost = math.max(lateMost, thread:get("lateMs"))
  end
  local e = summary.errors
  io.write(
    string.format(
      'WRK_RESULT {"requests":%d,"sent":%d,"non2xx":%d,"connectErrors":%d,"readErrors":%d,'
        .. '"writeErrors":%d,"timeouts":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,'
        .. '"exhaustedThreads":%d,"lateMs":%d}\n',
      summary.requests,
      totalSent,
      e.status,
      e.connect,
      e.read,
      e.write,
      e.timeout,
      latency:percentile(50),
      latency:percentile(90),
      latency:percentile(99),
      latency.max,
      exhaustedThreads,
      lateMost
    )
  )
end
