// SPDX-License-Identifier: Apache-2.0
#include <fstage/flow/model.hpp>

namespace fstage::flow {

std::string_view to_string(StateType type) {
  switch (type) {
    case StateType::operation:
      return "Operation";
    case StateType::sleep:
      return "Sleep";
    case StateType::end:
      return "End";
    case StateType::switch_:
      return "Switch";
    case StateType::parallel:
      return "Parallel";
    case StateType::foreach:
      return "Foreach";
  }
  return "Operation";
}

bool is_local_only(StateType type) {
  return type == StateType::switch_ || type == StateType::parallel || type == StateType::foreach;
}

const State* Definition::find_state(std::string_view id) const {
  for (const auto& s : states) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

const FunctionDecl* Definition::find_function(std::string_view fn_name) const {
  for (const auto& f : functions) {
    if (f.name == fn_name) {
      return &f;
    }
  }
  return nullptr;
}

const Retry* Definition::find_retry(std::string_view retry_name) const {
  for (const auto& r : retries) {
    if (r.name == retry_name) {
      return &r;
    }
  }
  return nullptr;
}

}  // namespace fstage::flow
