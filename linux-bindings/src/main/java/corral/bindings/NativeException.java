package corral.bindings;

import java.io.IOException;

/**
 * A native call failed. The message names the call, the path or object it was made on, and the
 * errno, as in {@code write /sys/fs/cgroup/net_cls/x/net_cls.classid: EACCES (Permission denied)}.
 */
public class NativeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final transient Errno errno;
    private final String target;

    /**
     * @param call the C function or system call, such as {@code mount}
     * @param target the path or object the call was made on, or {@code null}
     * @param errno the error the call returned
     */
    public NativeException(String call, String target, Errno errno) {
        super(call + (target == null ? "" : " " + target) + ": " + errno);
        this.call = call;
        this.errno = errno;
        this.target = target;
    }

    /** @return the C function or system call that failed */
    public String call() {
        return call;
    }

    /** @return the errno the call returned */
    public Errno errno() {
        return errno;
    }

    /** @return the path or object the call was made on, or {@code null} */
    public String target() {
        return target;
    }
}
