#include "apps/gtp/tcp_server.h"

#include <cstdio>
#include <mutex>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>

#include "apps/gtp/session.h"
#include "apps/gtp/vertex.h"
#include "core/error.h"

namespace traceplay::gtp {

namespace asio = boost::asio;
using asio::ip::tcp;

ListenAddress parse_listen_address(const std::string& text) {
  ListenAddress address;
  const size_t colon = text.rfind(':');
  const std::string port = colon == std::string::npos ? text : text.substr(colon + 1);
  if (colon != std::string::npos && colon > 0) address.host = text.substr(0, colon);
  const auto number = parse_int(port);
  if (!number || *number > 65535)
    throw UserError("--listen " + text + ": expected HOST:PORT with a port in 0..65535");
  address.port = static_cast<uint16_t>(*number);
  boost::system::error_code ec;
  asio::ip::make_address(address.host, ec);
  if (ec) throw UserError("--listen " + text + ": '" + address.host + "' is not an IP address");
  return address;
}

TcpServer::TcpServer(const ListenAddress& address, EngineFactory make_engine)
    : acceptor_(io_), make_engine_(std::move(make_engine)) {
  boost::system::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address(address.host, ec), address.port);
  if (!ec) acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw UserError("--listen " + address.host + ":" + std::to_string(address.port) + ": " + ec.message());
}

uint16_t TcpServer::port() const { return acceptor_.local_endpoint().port(); }

void TcpServer::run() {
  for (;;) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec) {
      std::fprintf(stderr, "traceplay gtp: accept: %s\n", ec.message().c_str());
      continue;
    }
    if (open_->load() >= kMaxGtpConnections) {
      const auto peer = socket.remote_endpoint(ec);
      std::fprintf(stderr,
                   "traceplay gtp: refused a connection from %s: %d connections are open (the limit)\n",
                   ec ? "?" : (peer.address().to_string() + ":" + std::to_string(peer.port())).c_str(),
                   kMaxGtpConnections);
      socket.close(ec);
      continue;
    }
    ++*open_;  // only this thread adds; a connection's own thread takes itself off
    std::thread(serve_connection, std::move(socket), make_engine_(), open_).detach();
  }
}

void TcpServer::serve_connection(tcp::socket socket, std::unique_ptr<Engine> engine,
                                 std::shared_ptr<std::atomic<int>> open) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  const std::string who =
      ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port());
  std::fprintf(stderr, "traceplay gtp: connection from %s\n", who.c_str());
  LineQueue queue;
  std::thread reader([&socket, &queue] {
    pump_lines(
        [&socket](char* buffer, size_t size) -> size_t {
          boost::system::error_code error;
          const size_t n = socket.read_some(asio::buffer(buffer, size), error);
          return error ? 0 : n;
        },
        queue);
  });
  std::mutex mutex;
  bool broken = false;
  run_session(*engine, queue, [&](const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    if (broken) return;
    boost::system::error_code error;
    asio::write(socket, asio::buffer(text), error);
    broken = static_cast<bool>(error);  // the client left; the session ends at its EOF
  });
  // After quit: stop reading (the reader's read_some then fails) and wait for it.
  socket.shutdown(tcp::socket::shutdown_both, ec);
  reader.join();
  socket.close(ec);
  std::fprintf(stderr, "traceplay gtp: %s disconnected\n", who.c_str());
  engine.reset();
  --*open;
}

}  // namespace traceplay::gtp
