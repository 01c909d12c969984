-- wrk script for bench/webhook_ack.py: every request is a WhatsApp-shaped webhook with a new
-- message id, signed like Meta signs it (X-Hub-Signature-256: HMAC-SHA256 of the raw body with
-- the app secret). The HMAC comes from the OpenSSL that wrk itself links (LuaJIT FFI).
--
-- wrk -s webhook_ack.lua URL -- TEMPLATE_FILE APP_SECRET RUN_TAG SELF_CHECK_HEX SENDERS
--   TEMPLATE_FILE   the JSON body with {{WAMID}}, {{FROM}} and {{TEXT}} where values go
--   SELF_CHECK_HEX  HMAC-SHA256(APP_SECRET, "atendo") as Python computes it (aborts on mismatch)
--   SENDERS         how many distinct customers the messages come from
-- done() prints one line "WRKJSON {...}" with counts and latency percentiles (microseconds).

local ffi = require("ffi")
ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *d,
                    size_t n, unsigned char *md, unsigned int *md_len);
]]

local function crypto()
  local ok, lib = pcall(function()
    local c = ffi.C
    local _ = c.HMAC
    return c
  end)
  if ok then return lib end
  for _, name in ipairs({ "crypto", "libcrypto.so.3", "libcrypto.so.1.1" }) do
    ok, lib = pcall(ffi.load, name)
    if ok then return lib end
  end
  error("no OpenSSL libcrypto for HMAC-SHA256")
end

local C = crypto()
local digest = ffi.new("unsigned char[32]")
local digest_len = ffi.new("unsigned int[1]")
local HEX = {}
for i = 0, 255 do HEX[i] = string.format("%02x", i) end

local function hmac_hex(key, data)
  C.HMAC(C.EVP_sha256(), key, #key, data, #data, digest, digest_len)
  local out = {}
  for i = 0, 31 do out[i + 1] = HEX[digest[i]] end
  return table.concat(out)
end

-- main state: number the threads, keep them for done()
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

-- thread state
local parts, slots = {}, {}
local secret, tag, senders
local headers = { ["Content-Type"] = "application/json" }
generated, s2xx, s3xx, s4xx, s5xx, sother = 0, 0, 0, 0, 0, 0

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local template = file:read("*a")
  file:close()
  secret, tag, senders = args[2], args[3], tonumber(args[5])
  if hmac_hex(secret, "atendo") ~= args[4] then
    error("HMAC self-check failed: the Lua signature differs from Python's")
  end
  local pos = 1
  while true do
    local s, e, name = template:find("{{(%u+)}}", pos)
    if not s then
      parts[#parts + 1] = template:sub(pos)
      break
    end
    parts[#parts + 1] = template:sub(pos, s - 1)
    slots[#slots + 1] = name
    pos = e + 1
  end
end

function request()
  generated = generated + 1
  local values = {
    WAMID = "wamid.BENCH." .. tag .. "." .. tid .. "." .. generated,
    FROM = tostring(5511900000000 + (tid * 7919 + generated) % senders),
    TEXT = "bench message " .. generated,
  }
  local buf = {}
  for i = 1, #slots do
    buf[#buf + 1] = parts[i]
    buf[#buf + 1] = values[slots[i]]
  end
  buf[#buf + 1] = parts[#parts]
  local body = table.concat(buf)
  headers["X-Hub-Signature-256"] = "sha256=" .. hmac_hex(secret, body)
  return wrk.format("POST", nil, headers, body)
end

function response(status, _headers, _body)
  if status >= 200 and status < 300 then
    s2xx = s2xx + 1
  elseif status < 400 then
    s3xx = s3xx + 1
  elseif status < 500 then
    s4xx = s4xx + 1
  elseif status < 600 then
    s5xx = s5xx + 1
  else
    sother = sother + 1
  end
end

function done(summary, latency, _requests)
  local totals = { generated = 0, s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0, sother = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"duration_us":%d,"requests":%d,"generated":%d,"status":{"2xx":%d,"3xx":%d,"4xx":%d,"5xx":%d,' ..
    '"other":%d},"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"latency_us":{"p50":%d,' ..
    '"p90":%d,"p99":%d,"p999":%d,"mean":%d,"max":%d}}\n',
    summary.duration, summary.requests, totals.generated, totals.s2xx, totals.s3xx, totals.s4xx, totals.s5xx,
    totals.sother, e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.mean, latency.max))
end
