import { cacheRoot, modelPaths } from './cache_dir';

describe('cache directory', () => {
  it('is MRCNN_CACHE_DIR when set, on every platform', () => {
    expect(cacheRoot({ MRCNN_CACHE_DIR: '/data/mrcnn-cache', XDG_CACHE_HOME: '/x' }, 'linux', '/home/u')).toBe('/data/mrcnn-cache');
    expect(cacheRoot({ MRCNN_CACHE_DIR: 'D:\\cache' }, 'win32', 'C:\\Users\\u')).toBe('D:\\cache');
  });

  it("is mrcnn/ in the platform's user cache directory otherwise", () => {
    expect(cacheRoot({}, 'linux', '/home/u')).toBe('/home/u/.cache/mrcnn');
    expect(cacheRoot({ XDG_CACHE_HOME: '/var/cache/u' }, 'linux', '/home/u')).toBe('/var/cache/u/mrcnn');
    // XDG: a relative path is invalid and ignored.
    expect(cacheRoot({ XDG_CACHE_HOME: 'rel/cache' }, 'freebsd', '/home/u')).toBe('/home/u/.cache/mrcnn');
    expect(cacheRoot({ MRCNN_CACHE_DIR: '' }, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/mrcnn');
    expect(cacheRoot({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\mrcnn');
    expect(cacheRoot({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\mrcnn');
  });

  it('keeps models apart from downloads, staging and locks', () => {
    expect(modelPaths('/c', 'torchvision-maskrcnn-coco')).toEqual({
      root: '/c', model: '/c/models/torchvision-maskrcnn-coco', downloads: '/c/downloads/torchvision-maskrcnn-coco',
      staging: '/c/staging', lock: '/c/locks/torchvision-maskrcnn-coco.lock',
    });
  });
});
