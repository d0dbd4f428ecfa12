// GTP over TCP (Boost.Asio): one engine per connection, several connections at once,
// each served by its own thread. Loopback (127.0.0.1) unless another host is named.
#pragma once

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

using EngineFactory = std::function<std::unique_ptr<Engine>()>;

class TcpServer {
 public:
  // Binds and listens; throws UserError when the address cannot be used.
  TcpServer(const ListenAddress& address, EngineFactory make_engine);
  uint16_t port() const;  // the port actually bound
  // Accepts connections until the process ends; each gets a fresh engine.
  void run();

 private:
  static void serve_connection(boost::asio::ip::tcp::socket socket, std::unique_ptr<Engine> engine);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  EngineFactory make_engine_;
};

}  // namespace traceplay::gtp
