package corral.bindings.libc;

import jnr.ffi.annotations.Out;

/** Waiting for children and signalling processes. */
public interface LibcProcess {

    int waitid(int idtype, int id, @Out byte[] siginfo, int options);

    int wait4(int pid, @Out int[] status, int options, @Out byte[] rusage);

    int kill(int pid, int signal);

    long sysconf(int name);
}
