-- wrk script for the benchmark harness (bench/run.py).
--   wrk -s bench/wrk.lua http://127.0.0.1:8108 -- <file of paths> <run token>
-- Sends GETs to the paths in the file (one per line) in turn, each thread starting at a different
-- place; "{n}" in a path becomes a token unique to the request (a cache-buster: the second
-- argument, unique to the wrk run, then the thread and request numbers). When done,
-- prints one line "WRK_JSON {...}" with the request count, latency percentiles (microseconds)
-- and wrk's error counts (status counts responses above 399).

local threads = {}
local paths = {}
local index = 0
local counter = 0
local run_token = ""
-- As every browser does; without it, cached pages are decompressed for wrk on every request.
local headers = { ["Accept-Encoding"] = "gzip, deflate, br" }

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  run_token = args[2] or ""
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  index = (thread_number - 1) * math.floor(#paths / 2)
end

function request()
  index = index % #paths + 1
  counter = counter + 1
  local path = paths[index]:gsub("{n}", run_token .. thread_number .. "x" .. counter)
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, '
      .. '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "errors": {"connect": %d, '
      .. '"read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
