// SPDX-License-Identifier: Apache-2.0
// Just enough of Go's encoding/gob to be a net/rpc client of a FunctionGraph Go function
// (PLATFORM.md §1.5): encode rpc.Request and common.InvokeRequest, and decode whatever the
// server sends (it defines its types on the wire, so the decoder is generic).
//
// Wire format (encoding/gob docs): a stream of messages, each a uint byte count, then a type
// id (int) and a value. A negative id introduces a type definition (a wireType value). A
// uint below 128 is one byte; otherwise a byte holding the negated byte count, then the
// big-endian bytes. An int is a uint with the sign in bit 0. Strings and []byte are a
// length and bytes; slices a count and elements; maps a count and pairs; structs a list of
// (field-number delta, value) ending with a 0 delta, zero-valued fields omitted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fstage::sandbox::detail::gob {

struct Value {
  enum Kind { none, integer, uinteger, bytes, list, map, structure } kind = none;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  std::string s;
  std::vector<Value> items;                      // list
  std::vector<std::pair<Value, Value>> entries;  // map
  std::map<std::string, Value> fields;           // structure (by field name)

  std::string str(const std::string& field) const;
  std::int64_t integer_of(const std::string& field) const;
};

// Encodes the client side of net/rpc for Function.Invoke. Type definitions go out once per
// stream, before the first value that needs them.
class Encoder {
 public:
  std::string request(std::string_view service_method, std::uint64_t seq);
  std::string invoke_request(std::string_view payload,
                             const std::map<std::string, std::vector<std::string>>& header);

 private:
  bool m_request_sent = false;
  bool m_invoke_sent = false;
};

// Decodes a server's stream: feed bytes, take values.
class Decoder {
 public:
  void feed(std::string_view data) { m_buf.append(data); }
  std::optional<Value> next();
  bool error() const { return m_error; }

 private:
  struct Field {
    std::string name;
    int id = 0;
  };
  struct Type {
    enum Kind { slice, array, structure, map } kind = structure;
    int elem = 0;
    int key = 0;
    std::vector<Field> fields;
  };
  bool decode(int id, std::string_view& in, Value& out, int depth);
  bool define(std::string_view& in);

  std::string m_buf;
  std::map<int, Type> m_types;
  bool m_error = false;
};

// Primitive codecs, exposed for tests.
void put_uint(std::string& out, std::uint64_t v);
void put_int(std::string& out, std::int64_t v);
bool get_uint(std::string_view& in, std::uint64_t& v);
bool get_int(std::string_view& in, std::int64_t& v);

}  // namespace fstage::sandbox::detail::gob
