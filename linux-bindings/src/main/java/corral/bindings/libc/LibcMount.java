package corral.bindings.libc;

/** mount(2) and umount2(2). */
public interface LibcMount {

    int mount(String source, String target, String filesystemtype, long mountflags, String data);

    int umount2(String target, int flags);
}
