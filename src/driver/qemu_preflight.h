/*
 * qemu_preflight.h: will this host's KVM run the CPU and machine a domain asks for?
 *
 * QMP cannot tell whether KVM will really run a CPU: a nested KVM may claim
 * features it then fails to set (QEMU aborts with "failed to set MSR ...")
 * or lack SMM and Hyper-V enlightenments.  Before a KVM domain with such
 * options (<cpu>, <features>/<hyperv>, <smm state='on'/>) starts, QEMU is
 * run once with just its -machine, -cpu and -smp, paused, and told to quit;
 * if that QEMU fails, the start fails with one error naming the element and
 * QEMU's words, and no guest QEMU is started.  Results are kept per binary
 * and options, so each configuration pays this once per daemon.
 */
#pragma once

#include "domain_conf.h"
#include "qemu_command.h"

int gvQemuPreflight(const gvDomainDef *def, const gvQemuCaps *caps, gvQemuAccel accel,
                    GError **error);
