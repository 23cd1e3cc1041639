// SPDX-License-Identifier: Apache-2.0
// The host's loopback ports a runner needs when the sandbox shares the host's network.
#pragma once

namespace fstage::sandbox::detail {

// A TCP listener on the host's 127.0.0.1 with a free port (the runtime API when the sandbox
// shares the host's network). -1 on failure.
int listen_loopback(int& port);

// Whether a listener holds 127.0.0.1:`port` on the host (a test bind; SO_REUSEADDR so that a
// closed connection's TIME_WAIT does not count). A killed instance's server may hold it for a
// moment while the kernel tears it down: the port gets a second to come free.
bool port_taken(int port);

}  // namespace fstage::sandbox::detail
