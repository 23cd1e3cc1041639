// SPDX-License-Identifier: Apache-2.0
// The libseccomp functions the sandbox calls to compile its denylist, opened on first use:
// the compiled program is cached (sandbox/src/seccomp.cpp), so most runs never load it.
#include <seccomp.h>

#include "define.hpp"

extern "C" {

FSTAGE_LAZY(seccomp, scmp_filter_ctx, seccomp_init, (uint32_t def_action), (def_action))
FSTAGE_LAZY(seccomp, void, seccomp_release, (scmp_filter_ctx ctx), (ctx))
FSTAGE_LAZY(seccomp, int, seccomp_syscall_resolve_name, (const char* name), (name))
FSTAGE_LAZY(seccomp, int, seccomp_rule_add_array,
            (scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int arg_cnt,
             const struct scmp_arg_cmp* arg_array),
            (ctx, action, syscall, arg_cnt, arg_array))
FSTAGE_LAZY(seccomp, int, seccomp_export_bpf, (const scmp_filter_ctx ctx, int fd), (ctx, fd))

}  // extern "C"
