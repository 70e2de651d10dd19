package corral.bindings.libc;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;

/**
 * glibc's posix_spawn family and pipes ({@link LibcFile} closes and writes fds). The posix_spawn*
 * calls return an errno, not -1.
 */
public interface LibcSpawn {

    int posix_spawn(@Out int[] pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int oflag, int mode);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int lowfd);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer sigset);

    int pipe2(@Out int[] fds, int flags);
}
