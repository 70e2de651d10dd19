package corral.bindings.libc;

/** File mode and ownership. */
public interface LibcFileMode {

    int chmod(String path, int mode);

    int chown(String path, int owner, int group);

    int lchown(String path, int owner, int group);
}
