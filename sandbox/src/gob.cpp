// SPDX-License-Identifier: Apache-2.0
#include "gob.hpp"

namespace fstage::sandbox::detail::gob {

namespace {

// Predefined type ids (encoding/gob type.go).
constexpr int k_bool = 1;
constexpr int k_int = 2;
constexpr int k_uint = 3;
constexpr int k_float = 4;
constexpr int k_bytes = 5;
constexpr int k_string = 6;

// Our own ids for the types we send (any ids above 64 do; they are per stream).
constexpr int k_request_id = 65;
constexpr int k_invoke_id = 66;
constexpr int k_string_slice_id = 67;
constexpr int k_header_id = 68;

void put_string(std::string& out, std::string_view s) {
  put_uint(out, s.size());
  out.append(s);
}

// A message: byte count, then the body (type id and value).
std::string message(const std::string& body) {
  std::string out;
  put_uint(out, body.size());
  return out + body;
}

// wireType{StructT: &structType{CommonType{name, id}, fields}} as a type-definition message.
std::string struct_def(int id, std::string_view name,
                       const std::vector<std::pair<std::string, int>>& fields) {
  std::string b;
  put_int(b, -id);
  b += '\x03';  // wireType field 2: StructT
  b += '\x01';  // structType field 0: CommonType
  b += '\x01';  // CommonType field 0: Name
  put_string(b, name);
  b += '\x01';  // CommonType field 1: Id
  put_int(b, id);
  b += '\x00';  // end CommonType
  b += '\x01';  // structType field 1: Field
  put_uint(b, fields.size());
  for (const auto& [fname, fid] : fields) {
    b += '\x01';
    put_string(b, fname);
    b += '\x01';
    put_int(b, fid);
    b += '\x00';
  }
  b += '\x00';  // end structType
  b += '\x00';  // end wireType
  return message(b);
}

}  // namespace

void put_uint(std::string& out, std::uint64_t v) {
  if (v < 128) {
    out += static_cast<char>(v);
    return;
  }
  char bytes[8];
  int n = 0;
  while (v > 0) {
    bytes[n++] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out += static_cast<char>(256 - n);
  for (int i = n - 1; i >= 0; --i) {
    out += bytes[i];
  }
}

void put_int(std::string& out, std::int64_t v) {
  std::uint64_t u =
      v < 0 ? (~static_cast<std::uint64_t>(v) << 1) | 1 : static_cast<std::uint64_t>(v) << 1;
  put_uint(out, u);
}

bool get_uint(std::string_view& in, std::uint64_t& v) {
  if (in.empty()) {
    return false;
  }
  auto b = static_cast<unsigned char>(in[0]);
  in.remove_prefix(1);
  if (b < 128) {
    v = b;
    return true;
  }
  std::size_t n = 256 - b;
  if (n > 8 || in.size() < n) {
    return false;
  }
  v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  }
  in.remove_prefix(n);
  return true;
}

bool get_int(std::string_view& in, std::int64_t& v) {
  std::uint64_t u = 0;
  if (!get_uint(in, u)) {
    return false;
  }
  v = (u & 1) != 0 ? ~static_cast<std::int64_t>(u >> 1) : static_cast<std::int64_t>(u >> 1);
  return true;
}

std::string Value::str(const std::string& field) const {
  auto it = fields.find(field);
  return it == fields.end() ? std::string() : it->second.s;
}

std::int64_t Value::integer_of(const std::string& field) const {
  auto it = fields.find(field);
  return it == fields.end() ? 0 : it->second.i;
}

std::string Encoder::request(std::string_view service_method, std::uint64_t seq) {
  std::string out;
  if (!m_request_sent) {
    out += struct_def(k_request_id, "Request", {{"ServiceMethod", k_string}, {"Seq", k_uint}});
    m_request_sent = true;
  }
  std::string b;
  put_int(b, k_request_id);
  int last = -1;
  if (!service_method.empty()) {
    put_uint(b, 0 - last);
    put_string(b, service_method);
    last = 0;
  }
  if (seq != 0) {
    put_uint(b, static_cast<std::uint64_t>(1 - last));
    put_uint(b, seq);
  }
  b += '\x00';
  return out + message(b);
}

std::string Encoder::invoke_request(std::string_view payload,
                                    const std::map<std::string, std::vector<std::string>>& header) {
  std::string out;
  if (!m_invoke_sent) {
    out +=
        struct_def(k_invoke_id, "InvokeRequest", {{"Payload", k_bytes}, {"Header", k_header_id}});
    // http.Header: wireType{MapT: &mapType{CommonType{"Header", id}, Key string, Elem []string}}
    std::string m;
    put_int(m, -k_header_id);
    m += "\x04\x01\x01";
    put_string(m, "Header");
    m += '\x01';
    put_int(m, k_header_id);
    m += '\x00';
    m += '\x01';
    put_int(m, k_string);
    m += '\x01';
    put_int(m, k_string_slice_id);
    m += std::string("\x00\x00", 2);
    out += message(m);
    // []string: wireType{SliceT: &sliceType{CommonType{Id}, Elem string}}
    std::string sl;
    put_int(sl, -k_string_slice_id);
    sl += "\x02\x01\x02";
    put_int(sl, k_string_slice_id);
    sl += '\x00';
    sl += '\x01';
    put_int(sl, k_string);
    sl += std::string("\x00\x00", 2);
    out += message(sl);
    m_invoke_sent = true;
  }
  std::string b;
  put_int(b, k_invoke_id);
  int last = -1;
  if (!payload.empty()) {
    put_uint(b, 1);
    put_string(b, payload);
    last = 0;
  }
  if (!header.empty()) {
    put_uint(b, static_cast<std::uint64_t>(1 - last));
    put_uint(b, header.size());
    for (const auto& [k, vs] : header) {
      put_string(b, k);
      put_uint(b, vs.size());
      for (const auto& v : vs) {
        put_string(b, v);
      }
    }
  }
  b += '\x00';
  return out + message(b);
}

bool Decoder::define(std::string_view& in) {
  // The wireType struct: exactly one of its fields is set.
  std::uint64_t delta = 0;
  if (!get_uint(in, delta) || delta < 1 || delta > 4) {
    return false;  // GobEncoder/Marshaler types are not needed here
  }
  Type t;
  t.kind = delta == 1   ? Type::array
           : delta == 2 ? Type::slice
           : delta == 3 ? Type::structure
                        : Type::map;
  int id = 0;
  // The inner type struct: field 0 is CommonType, then kind-specific fields.
  int field = -1;
  for (;;) {
    std::uint64_t d = 0;
    if (!get_uint(in, d)) {
      return false;
    }
    if (d == 0) {
      break;
    }
    field += static_cast<int>(d);
    if (field == 0) {  // CommonType{Name string, Id int}
      int cf = -1;
      for (;;) {
        std::uint64_t cd = 0;
        if (!get_uint(in, cd)) {
          return false;
        }
        if (cd == 0) {
          break;
        }
        cf += static_cast<int>(cd);
        if (cf == 0) {
          std::uint64_t n = 0;
          if (!get_uint(in, n) || in.size() < n) {
            return false;
          }
          in.remove_prefix(n);
        } else {
          std::int64_t v = 0;
          if (!get_int(in, v)) {
            return false;
          }
          id = static_cast<int>(v);
        }
      }
    } else if (t.kind == Type::structure && field == 1) {  // Field []*fieldType
      std::uint64_t count = 0;
      if (!get_uint(in, count)) {
        return false;
      }
      for (std::uint64_t i = 0; i < count; ++i) {
        Field f;
        int ff = -1;
        for (;;) {
          std::uint64_t fd = 0;
          if (!get_uint(in, fd)) {
            return false;
          }
          if (fd == 0) {
            break;
          }
          ff += static_cast<int>(fd);
          if (ff == 0) {
            std::uint64_t n = 0;
            if (!get_uint(in, n) || in.size() < n) {
              return false;
            }
            f.name = std::string(in.substr(0, n));
            in.remove_prefix(n);
          } else {
            std::int64_t v = 0;
            if (!get_int(in, v)) {
              return false;
            }
            f.id = static_cast<int>(v);
          }
        }
        t.fields.push_back(std::move(f));
      }
    } else {
      // slice/array Elem (field 1), array Len (2), map Key (1) and Elem (2): all ints.
      std::int64_t v = 0;
      if (!get_int(in, v)) {
        return false;
      }
      if (t.kind == Type::map) {
        (field == 1 ? t.key : t.elem) = static_cast<int>(v);
      } else if (field == 1) {
        t.elem = static_cast<int>(v);
      }
    }
  }
  std::uint64_t end = 0;  // the wireType's own terminator
  if (!get_uint(in, end)) {
    return false;
  }
  m_types[id] = std::move(t);
  return true;
}

bool Decoder::decode(int id, std::string_view& in, Value& out, int depth) {
  if (depth > 32) {
    return false;
  }
  switch (id) {
    case k_bool:
    case k_uint:
    case k_float:
      out.kind = Value::uinteger;
      return get_uint(in, out.u);
    case k_int:
      out.kind = Value::integer;
      return get_int(in, out.i);
    case k_bytes:
    case k_string: {
      std::uint64_t n = 0;
      if (!get_uint(in, n) || in.size() < n) {
        return false;
      }
      out.kind = Value::bytes;
      out.s = std::string(in.substr(0, n));
      in.remove_prefix(n);
      return true;
    }
    default:
      break;
  }
  auto it = m_types.find(id);
  if (it == m_types.end()) {
    return false;
  }
  const Type& t = it->second;
  if (t.kind == Type::structure) {
    out.kind = Value::structure;
    int field = -1;
    for (;;) {
      std::uint64_t d = 0;
      if (!get_uint(in, d)) {
        return false;
      }
      if (d == 0) {
        return true;
      }
      field += static_cast<int>(d);
      if (field < 0 || static_cast<std::size_t>(field) >= t.fields.size()) {
        return false;
      }
      Value v;
      if (!decode(t.fields[static_cast<std::size_t>(field)].id, in, v, depth + 1)) {
        return false;
      }
      out.fields[t.fields[static_cast<std::size_t>(field)].name] = std::move(v);
    }
  }
  std::uint64_t count = 0;
  if (!get_uint(in, count) || count > in.size()) {
    return false;
  }
  if (t.kind == Type::map) {
    out.kind = Value::map;
    for (std::uint64_t i = 0; i < count; ++i) {
      Value k;
      Value v;
      if (!decode(t.key, in, k, depth + 1) || !decode(t.elem, in, v, depth + 1)) {
        return false;
      }
      out.entries.emplace_back(std::move(k), std::move(v));
    }
    return true;
  }
  out.kind = Value::list;
  for (std::uint64_t i = 0; i < count; ++i) {
    Value v;
    if (!decode(t.elem, in, v, depth + 1)) {
      return false;
    }
    out.items.push_back(std::move(v));
  }
  return true;
}

std::optional<Value> Decoder::next() {
  while (!m_error) {
    std::string_view in(m_buf);
    std::uint64_t len = 0;
    if (!get_uint(in, len)) {
      return std::nullopt;  // not even the length yet
    }
    if (in.size() < len) {
      return std::nullopt;
    }
    std::string_view msg = in.substr(0, len);
    std::size_t consumed = m_buf.size() - in.size() + len;
    std::int64_t id = 0;
    bool ok = get_int(msg, id);
    std::optional<Value> value;
    if (ok && id < 0) {
      ok = define(msg);
    } else if (ok) {
      Value v;
      // A non-struct top-level value is sent as if it were field 0 of a struct: skip the 0.
      auto t = m_types.find(static_cast<int>(id));
      if (t == m_types.end() || t->second.kind != Type::structure) {
        std::uint64_t zero = 0;
        ok = get_uint(msg, zero);
      }
      ok = ok && decode(static_cast<int>(id), msg, v, 0);
      value = std::move(v);
    }
    m_buf.erase(0, consumed);
    if (!ok) {
      m_error = true;
      return std::nullopt;
    }
    if (value) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace fstage::sandbox::detail::gob
