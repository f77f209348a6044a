// SHA-256 (FIPS 180-4), for the scenario fingerprint in manifest.json. Thread-safe: a Sha256 object is
// used by one thread; sha256_hex is pure.
//
//   Sha256 h; h.update("ab"); h.update("c"); std::string hex = h.hex_digest();  // ba7816bf...
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace poweron {

/// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  /// Appends bytes to the message.
  void update(std::string_view bytes);
  /// Finishes the message and returns the 32-byte digest. The object must not be used afterwards.
  std::array<std::uint8_t, 32> digest();
  /// digest() as 64 lower-case hex digits.
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

/// SHA-256 of `bytes` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace poweron
