// What every listening socket of a learner does about security (curve.h has the keys):
// with CURVE, the socket is a CURVE server and a ZAP handler in the same ZeroMQ context
// admits only listed public keys; without it, a bind beyond loopback earns a warning.
// Shared by the gen learner (ROUTER) and the model publisher (PUB and ROUTER).
#pragma once

#include <set>
#include <string>

#include <zmq.hpp>

#include "distributed/curve.h"

namespace traceplay::distributed {

// Where libzmq asks its ZAP handler (ZeroMQ RFC 27); one handler per context.
inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

// "tcp://0.0.0.0:5555" binds beyond loopback; "tcp://127.0.0.1:*", ipc:// and inproc:// do not.
bool beyond_loopback(const std::string& endpoint);

// Makes `socket` a CURVE server with `curve`'s secret key (ZAP domain "traceplay").
void make_curve_server(zmq::socket_t& socket, const CurveServer& curve);
// Makes `socket` a CURVE client of `curve.server_public_key`.
void make_curve_client(zmq::socket_t& socket, const CurveClient& curve);

struct ZapVerdict {
  bool answered = false;  // false: no request was waiting
  bool admitted = false;
  std::string peer;  // the client's address as libzmq gives it
  std::string key;   // its public key (Z85), empty when it offered none
};
// Answers one waiting request on `zap` (a REP socket bound at kZapEndpoint): admitted
// when the mechanism is CURVE and the client's key is in `authorized`.
ZapVerdict answer_zap(zmq::socket_t& zap, const std::set<std::string>& authorized);

}  // namespace traceplay::distributed
