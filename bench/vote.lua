-- wrk script: every request is one voter casting a vote in a random category for a
-- random nominee of it. Tokens and nominees come from files the benchmark writes.
-- Pacing: with RATE set (requests per second over all connections), each connection
-- waits between requests so that the total stays near RATE (wrk's delay hook).

local tokens, nominees = {}, {}
local counter = 0
local pause_ms = 0
local VOTES_PER_VOTER = 6

local function lines(path)
  local out = {}
  for line in io.lines(path) do out[#out + 1] = line end
  return out
end

-- Every run and every thread starts at its own place: the same sequence again would
-- repeat the votes of the previous run, which write nothing (a repeat is not a vote).
local threads = 0

function setup(thread)
  if threads == 0 then math.randomseed(os.time()) end
  threads = threads + 1
  thread:set("offset", math.random(0, 1000000) + threads)
end

function init(args)
  tokens = lines(os.getenv("BENCH_TOKENS"))
  for line in io.lines(os.getenv("BENCH_NOMINEES")) do
    local category, nominee = line:match("(%d+) (%d+)")
    nominees[#nominees + 1] = {category, nominee}
  end
  counter = offset or 0
  local rate = tonumber(os.getenv("BENCH_RATE") or "0")
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")
  if rate > 0 then pause_ms = 1000 * connections / rate end
  math.randomseed(counter)
end

function delay()
  return pause_ms
end

function request()
  counter = counter + 1
  -- Each voter casts a few votes in a row, as voters do (up to 18 per ballot).
  local token = tokens[(math.floor(counter / VOTES_PER_VOTER) % #tokens) + 1]
  local pick = nominees[math.random(#nominees)]
  return wrk.format(
    "PUT",
    "/api/v1/editions/2020/ballot/" .. pick[1] .. "/",
    {["Content-Type"] = "application/json", ["X-Session-Token"] = token},
    '{"nominee": ' .. pick[2] .. '}'
  )
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f errors=%d p50=%.2f p95=%.2f p99=%.2f\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
