// Links the installed library the way a downstream project would: public headers only.
#include <poweron/date.hpp>
#include <poweron/event_queue.hpp>

#include <cstdio>

int main() {
  const auto date = poweron::parse_date("2024-07-23");
  if (!date || poweron::format_date(*date) != "2024-07-23") return 1;
  poweron::EventQueue<int> queue;
  queue.schedule(2.0, 0, 7);
  queue.schedule(1.0, 0, 5);
  if (queue.step().payload != 5 || queue.step().payload != 7) return 1;
  std::printf("consumer: linked poweron, date %s, kernel ordered 2 events\n", poweron::format_date(*date).c_str());
  return 0;
}
