-- wrk script for bench/load.py: GET each path given after "--" in turn, and print the
-- figures bench/load.py reads back (wrk's own report has no 95th percentile).
local paths, n = {}, 0

function init(args)
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
end

function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "threadgraph: requests=%d seconds=%.3f non2xx=%d connect=%d read=%d write=%d timeout=%d "
      .. "p50=%.2f p95=%.2f p99=%.2f\n",
    summary.requests, summary.duration / 1e6, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
