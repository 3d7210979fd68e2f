//===- Status.h - Error values for APIs shared by compiler and runtime ----===//
//
// `Status` carries either success or a human-readable error message. It is
// used at the boundary between the compiler (built without RTTI, linked with
// MLIR) and the runtime library, where exceptions must not cross. Inside the
// runtime, errors are thrown as `shodh::Error` and converted at the edges.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace shodh {

/// Success, or an error message naming the file/field and what was expected.
class [[nodiscard]] Status {
public:
  /// A successful status.
  static Status success() { return Status(); }
  /// A failed status with the given message.
  static Status error(std::string message) {
    Status s;
    s.message_ = message.empty() ? std::string("unknown error") : std::move(message);
    return s;
  }
  /// True on success.
  bool ok() const { return message_.empty(); }
  /// The error message (empty on success).
  const std::string &message() const { return message_; }

private:
  std::string message_;
};

/// The runtime's exception type: a message meant for the user.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace shodh
