/// The files Linux makes on its anonymous inode (fs/anon_inodes.c) that Gate models:
/// an eventfd counter and an epoll instance. Both sit on a host object of the same
/// kind (a host eventfd, a host epoll), whose readiness the host's poll and epoll
/// already report exactly; what Gate keeps here is what the host cannot know.
enum AnonymousInode {
    case eventCounter(EventCounter)
    case eventPoll(EventPoll)

    /// The name /proc/self/fd shows (d_path of an anonymous inode).
    var path: String {
        switch self {
        case .eventCounter: return "anon_inode:[eventfd]"
        case .eventPoll: return "anon_inode:[eventpoll]"
        }
    }
}

/// An eventfd's 64-bit counter lives in the host eventfd; Gate keeps the writers that
/// sleep because adding their value would pass 0xfffffffffffffffe. The host has no
/// readiness event for "the counter went down" (POLLOUT stays set while even 1 fits),
/// but every read that lowers it is a guest read through Gate, which wakes them.
final class EventCounter {
    let drained = WaitQueue()
}
