-- bench/bodies.lua: wrk script that POSTs the lines of a body file (env
-- UPAY_BODIES) to the gateway, each wrk thread taking every Nth line so no
-- two requests share a body. Counts non-200 answers and errors.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  thread:set("nthreads", 0)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  nthreads = #args > 0 and tonumber(args[1]) or 2
  bodies = {}
  local i = 0
  for line in io.lines(os.getenv("UPAY_BODIES")) do
    if i % nthreads == id then bodies[#bodies + 1] = line end
    i = i + 1
  end
  next_body = 1
  non200 = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local body = bodies[next_body]
  next_body = next_body + 1
  if next_body > #bodies then next_body = 1 end
  return wrk.format(nil, "/UnifiedPay/Gateway", nil, body)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  io.write(string.format("BENCH requests=%d errors=%d non200=%d p50_us=%d p99_us=%d\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    bad, latency:percentile(50), latency:percentile(99)))
end
