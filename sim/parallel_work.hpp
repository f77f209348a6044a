// Running independent pieces of work on other threads: one task beside the caller (start_beside), or an
// index range split over a few threads (parallel_chunks). Where no thread can be started, the work runs on
// the calling thread instead, so the results never depend on it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <future>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace poweron {

/// Starts fn() on a thread of its own when `on_thread` (and a thread can be started), else defers it to
/// the caller's get(). The future's destructor waits for the thread on every path.
template <typename Fn>
std::future<std::invoke_result_t<Fn&>> start_beside(Fn fn, bool on_thread = true) {
  if (on_thread) {
    try {
      return std::async(std::launch::async, fn);
    } catch (const std::system_error&) {  // no thread available: fall through
    }
  }
  return std::async(std::launch::deferred, std::move(fn));
}

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
    others.push_back(start_beside([&fn, begin, end] { fn(begin, end); }));
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
