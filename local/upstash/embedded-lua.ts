import { luaGuardTables } from "./embedded-guards.ts";
import { CommandError } from "./reply.ts";
import type { ReplyValue } from "./reply.ts";

/**
 * Lua glue that makes ioredis-mock's fengari VM behave like Redis's scripting for the common cases:
 * - `redis.call` results become real Lua tables (the mock hands back JS proxies with odd indexing), integral floats
 *   become integers, nil bulk replies become `false`, HGETALL works, and the guard tables reject WRONGTYPE and
 *   non-integer values like Redis does;
 * - errors from commands are raised as `{err = text}` with Redis's text; `redis.pcall`, `redis.error_reply`,
 *   `redis.status_reply` and `redis.log` exist;
 * - the user script is compiled with `load(..., "@user_script")`, so compile errors read like Redis's;
 * - the return value is converted with Redis's Lua→RESP rules into a tagged tree (`{'i', '42'}`, `{'s', text}`,
 *   `{'a', ...}`, `{'n'}`, `{'e', text}`, `{'o', text}`) that survives the mock's own JS conversion intact.
 */
const prelude = String.raw`
local __raw_call = call
local function __error_text(raw)
  if type(raw) == 'table' and type(raw.err) == 'string' then return raw.err end
  local text = tostring(raw)
  local plain = string.match(text, '^Error: (.*)$')
  if plain then return plain end
  if string.find(text, "reading 'bind'", 1, true) then return 'ERR Unknown Redis command called from script' end
  local other = string.match(text, '^%a*Error: (.*)$')
  return 'ERR ' .. (other or text)
end
local function __length(value)
  local ok, length = pcall(function() return #value end)
  if ok then return math.tointeger(length) end
  return nil
end
local function __to_lua(value, top)
  local kind = type(value)
  if kind == 'number' then
    -- fengari's integers are 32-bit: a larger integral value stays a float (formatted whole by __whole below).
    if math.type(value) == 'float' and value == math.floor(value) then return math.tointeger(value) or value end
    return value
  end
  if kind ~= 'userdata' then return value end
  local length = __length(value)
  if length == nil then return false end
  local offset = top and 0 or -1
  local out = {}
  for index = 1, length do
    local element = value[index + offset]
    if element == nil then out[index] = false else out[index] = __to_lua(element, false) end
  end
  return out
end
local function __is_integer(text)
  return type(text) == 'string' and string.match(text, '^%-?%d+$') ~= nil and #text < 20
end
local function __guard(arguments)
  local name = arguments[1]
  for _, position in ipairs(__integer_arguments[name] or {}) do
    local argument = arguments[position]
    if argument ~= nil and not __is_integer(argument) then error({err = __not_integer}) end
  end
  local key = arguments[2]
  if key == nil then return end
  local expected = __types[name]
  if expected then
    local actual = __raw_call(false, 'type', key)
    if actual ~= nil and actual ~= 'none' and actual ~= expected then error({err = __wrong_type}) end
  end
  if __integer_values[name] then
    local current = __raw_call(false, 'get', key)
    if current ~= nil and not __is_integer(current) then error({err = __not_integer}) end
  end
end
local function __call_checked(arguments)
  local name = arguments[1]
  __guard(arguments)
  if name == 'hgetall' then
    local out = {}
    for _, field in ipairs(__call_checked({'hkeys', arguments[2]})) do
      out[#out + 1] = field
      out[#out + 1] = __call_checked({'hget', arguments[2], field})
    end
    return out
  end
  local ok, result = pcall(__raw_call, false, table.unpack(arguments))
  if not ok then error({err = __error_text(result)}) end
  if result == nil then return false end
  return __to_lua(result, true)
end
-- An integral number as decimal digits. fengari's integers are 32-bit, so '%d' fails ("no integer
-- representation") on the millisecond clock, money and ids above 2^31: those are floats here, and '%.0f' prints
-- them exactly up to 2^53, as Redis's own Lua (doubles throughout) does.
local function __whole(value)
  if value ~= value or value == math.huge or value == -math.huge or value ~= math.floor(value) then return nil end
  if math.type(value) == 'integer' then return string.format('%d', value) end
  return string.format('%.0f', value)
end
local function __arguments(...)
  local arguments = table.pack(...)
  if arguments.n == 0 then error({err = 'ERR Please specify at least one argument for this redis lib call'}) end
  local out = {}
  for index = 1, arguments.n do
    local argument = arguments[index]
    if math.type(argument) == 'integer' then argument = string.format('%d', argument)
    elseif math.type(argument) == 'float' then argument = __whole(argument) or string.format('%.17g', argument)
    elseif type(argument) ~= 'string' then
      error({err = 'ERR Lua redis lib command arguments must be strings or integers'})
    end
    out[index] = argument
  end
  out[1] = string.lower(out[1])
  return out
end
redis.call = function(...) return __call_checked(__arguments(...)) end
redis.pcall = function(...)
  local ok, result = pcall(redis.call, ...)
  if ok then return result end
  return {err = __error_text(result)}
end
redis.error_reply = function(text) return {err = text} end
redis.status_reply = function(text) return {ok = text} end
redis.log = function() end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.replicate_commands = function() return true end
redis.set_repl = function() end
local function __tag(value)
  local kind = type(value)
  if kind == 'nil' or value == false then return {'n'} end
  if value == true then return {'i', '1'} end
  if kind == 'number' then
    local truncated = value >= 0 and math.floor(value) or math.ceil(value)
    return {'i', __whole(truncated) or '0'}
  end
  if kind == 'string' then return {'s', value} end
  if kind == 'table' then
    if type(value.err) == 'string' then return {'e', value.err} end
    if type(value.ok) == 'string' then return {'o', value.ok} end
    local children = {}
    local index = 1
    while value[index] ~= nil do
      children[index] = __tag(value[index])
      index = index + 1
    end
    -- A table constructor keeps every element in the array part, which the mock needs to see an array.
    return {'a', table.unpack(children, 1, index - 1)}
  end
  return {'n'}
end
`;

function longBracket(text: string): [string, string] {
  let level = 0;
  while (text.includes(`]${"=".repeat(level)}]`)) level += 1;
  return [`[${"=".repeat(level)}[`, `]${"=".repeat(level)}]`];
}

/** Builds the Lua chunk that runs `script` (identified by `sha`) under the glue described above. */
export function wrapScript(source: string, sha: string): string {
  // Redis reads a `#!lua flags=...` shebang line (e.g. no-writes); Lua's load() does not, so it becomes a comment
  // (same line numbers). The flags only restrict what a script may do, which the embedded store does not check.
  const script = source.startsWith("#!") ? `--${source}` : source;
  const [open, close] = longBracket(script);
  // Lua drops a newline right after an opening long bracket, so the leading "\n" keeps the script intact.
  return `${luaGuardTables()}\n${prelude}
local __sha = '${sha}'
local __chunk, __compile_error = load(${open}\n${script}${close}, '@user_script', 't')
if not __chunk then return {'e', 'ERR Error compiling script (new function): ' .. __compile_error} end
local __ok, __result = pcall(__chunk)
if not __ok then
  local text = __error_text(__result)
  if type(__result) ~= 'table' and string.sub(text, 1, 4) ~= 'ERR ' then text = 'ERR ' .. text end
  return {'e', text .. ' script: ' .. __sha}
end
return __tag(__result)
`;
}

/** Decodes the tagged tree returned by a wrapped script; a top-level error tag becomes a thrown CommandError. */
export function decodeTagged(node: unknown, top = true): ReplyValue {
  if (!Array.isArray(node)) throw new CommandError("ERR embedded scripting returned an unexpected value");
  const [tag, ...rest] = node as unknown[];
  switch (tag) {
    case "n":
      return null;
    case "i":
      return Number(rest[0]);
    case "s":
    case "o":
      return String(rest[0] ?? "");
    case "e":
      if (top) throw new CommandError(String(rest[0] ?? "ERR"));
      return String(rest[0] ?? "");
    case "a":
      return rest.map((element) => decodeTagged(element, false));
    default:
      throw new CommandError("ERR embedded scripting returned an unexpected value");
  }
}
