// GTP over TCP (Boost.Asio): one engine per connection, several connections at once,
// each served by its own thread. Loopback (127.0.0.1) unless another host is named.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "apps/gtp/engine.h"

namespace traceplay::gtp {

struct ListenAddress {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the system picks a free port
};

// "HOST:PORT", ":PORT" or "PORT"; throws UserError when malformed.
ListenAddress parse_listen_address(const std::string& text);

// Connections served at once (DESIGN.md, "Limits on untrusted input"): each holds an
// engine, its search tree and two threads; one more is accepted and closed at once
// (logged), so a client opening connections in a loop cannot exhaust the machine.
constexpr int kMaxGtpConnections = 32;

using EngineFactory = std::function<std::unique_ptr<Engine>()>;

class TcpServer {
 public:
  // Binds and listens; throws UserError when the address cannot be used.
  TcpServer(const ListenAddress& address, EngineFactory make_engine);
  uint16_t port() const;  // the port actually bound
  // Accepts connections until the process ends; each gets a fresh engine.
  void run();

 private:
  static void serve_connection(boost::asio::ip::tcp::socket socket, std::unique_ptr<Engine> engine,
                               std::shared_ptr<std::atomic<int>> open);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  EngineFactory make_engine_;
  std::shared_ptr<std::atomic<int>> open_ =
      std::make_shared<std::atomic<int>>(0);  // connections being served
};

}  // namespace traceplay::gtp
