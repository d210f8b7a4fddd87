-- wrk script for bench/run: one JSON line of figures at the end of a run.
--
-- Environment (read once per thread):
--   BENCH_COOKIE  the Cookie header of a signed-in browser, if any
--   BENCH_BODY    a form body to POST instead of GET; "{token}" in it becomes a
--                 fresh form token per request, so each POST records one entry
--   BENCH_RUN     a label that keeps this run's form tokens apart from others'
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  ok, bad, statuses = 0, 0, {}
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  body = os.getenv("BENCH_BODY")
  run = os.getenv("BENCH_RUN") or "bench"
  if body and body ~= "" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    body = nil
  end
end

function request()
  if not body then return wrk.format() end
  counter = counter + 1
  local token = string.format("%s-%d-%d", run, id, counter)
  return wrk.format(nil, nil, nil, (body:gsub("{token}", token)))
end

function response(status, headers, resp_body)
  if status >= 200 and status < 400 then ok = ok + 1 else bad = bad + 1 end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local ok_total, bad_total, by_status = 0, 0, {}
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    bad_total = bad_total + thread:get("bad")
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "ok": %d, "bad": %d, "statuses": {%s}, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    ok_total, bad_total, table.concat(parts, ", "),
    errors.connect + errors.read + errors.write + errors.timeout))
end
