/**
 * Where the vCPU thread is (vcpu->mode plus the host states the model tells apart), and the
 * vCPU's mp_state. A leaf module so every kvm/ file can read them. Must not import anything.
 */
export const MODE_IN_GUEST = 0;
export const MODE_IN_KVM = 1;
export const MODE_POLLING = 2;
export const MODE_SLEEPING = 3;
/** The pCPU runs another host task; the vCPU thread waits for it. */
export const MODE_HOST_BUSY = 4;

export const KVM_MP_STATE_RUNNABLE = 0;
export const KVM_MP_STATE_HALTED = 3;
