// Splitting an index range over a few threads, for output stages whose items are independent.
#pragma once

#include <algorithm>
#include <cstddef>
#include <future>
#include <vector>

namespace poweron {

/// Calls fn(begin, end) on `threads` contiguous parts of [0, count) at once (the calling thread takes
/// the first part) and waits for all; rethrows the first part's exception, in part order. Results are
/// the caller's to place by index, so they do not depend on `threads`.
template <typename Fn>
void parallel_chunks(std::size_t count, int threads, Fn fn) {
  const std::size_t parts = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), 1, std::max<std::size_t>(count, 1));
  const std::size_t step = (count + parts - 1) / parts;
  std::vector<std::future<void>> others;
  for (std::size_t p = 1; p < parts; ++p) {
    const std::size_t begin = std::min(count, p * step);
    const std::size_t end = std::min(count, begin + step);
    others.push_back(std::async(std::launch::async, [&fn, begin, end] { fn(begin, end); }));
  }
  std::exception_ptr failure;
  try {
    fn(std::size_t{0}, std::min(count, step));
  } catch (...) {
    failure = std::current_exception();
  }
  for (std::future<void>& other : others) {
    try {
      other.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace poweron
