#include "distributed/socket_security.h"

#include <vector>

namespace traceplay::distributed {

bool beyond_loopback(const std::string& endpoint) {
  if (endpoint.rfind("tcp://", 0) != 0) return false;
  const std::string host = endpoint.substr(
      6, endpoint.rfind(':') == std::string::npos ? std::string::npos : endpoint.rfind(':') - 6);
  return !(host.rfind("127.", 0) == 0 || host == "localhost" || host == "[::1]");
}

void make_curve_server(zmq::socket_t& socket, const CurveServer& curve) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, curve.keys.secret_key);
  socket.set(zmq::sockopt::zap_domain, "traceplay");
}

void make_curve_client(zmq::socket_t& socket, const CurveClient& curve) {
  socket.set(zmq::sockopt::curve_serverkey, curve.server_public_key);
  socket.set(zmq::sockopt::curve_publickey, curve.keys.public_key);
  socket.set(zmq::sockopt::curve_secretkey, curve.keys.secret_key);
}

ZapVerdict answer_zap(zmq::socket_t& zap, const std::set<std::string>& authorized) {
  ZapVerdict verdict;
  std::vector<zmq::message_t> request;
  for (bool more = true; more;) {
    zmq::message_t part;
    if (!zap.recv(part, zmq::recv_flags::dontwait)) return verdict;
    more = part.more();
    request.push_back(std::move(part));
  }
  verdict.answered = true;
  const bool curve = request.size() >= 7 && request[5].to_string() == "CURVE" && request[6].size() == 32;
  if (curve) {
    char z85[41];
    zmq_z85_encode(z85, static_cast<const uint8_t*>(request[6].data()), 32);
    verdict.key = z85;
  }
  verdict.admitted = curve && authorized.count(verdict.key) > 0;
  verdict.peer = request.size() > 3 ? request[3].to_string() : std::string("?");
  const std::string request_id = request.size() > 1 ? request[1].to_string() : "";
  const std::vector<std::string> answer = {"1.0",
                                           request_id,
                                           verdict.admitted ? "200" : "400",
                                           verdict.admitted ? "OK" : "key not authorized",
                                           verdict.admitted ? verdict.key : "",
                                           ""};
  for (size_t i = 0; i < answer.size(); ++i)
    zap.send(zmq::buffer(answer[i]),
             i + 1 < answer.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  return verdict;
}

}  // namespace traceplay::distributed
