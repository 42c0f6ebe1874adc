"""One eye's swapchain: the runtime's colour textures, drawn into through a framebuffer with our own depth."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from OpenGL import GL

from .errors import XrUnavailableError


class EyeSwapchain:
    """Create with the OpenGL context current; ``close`` releases the framebuffer and the swapchain."""

    def __init__(self, xr: ModuleType, session: Any, view: Any, colour_format: int) -> None:
        self.xr = xr
        self.width, self.height = view.recommended_image_rect_width, view.recommended_image_rect_height
        self.handle = xr.create_swapchain(
            session,
            xr.SwapchainCreateInfo(
                usage_flags=xr.SwapchainUsageFlags.SAMPLED_BIT | xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT,
                format=colour_format,
                sample_count=1,  # plain 2D textures: the renderers draw without multisampling
                width=self.width,
                height=self.height,
                face_count=1,
                array_size=1,
                mip_count=1,
            ),
        )
        self.images = xr.enumerate_swapchain_images(self.handle, xr.SwapchainImageOpenGLKHR)
        self.framebuffer = GL.glGenFramebuffers(1)
        self.depth = GL.glGenRenderbuffers(1)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, self.width, self.height)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, 0)

    def acquire(self) -> int:
        xr = self.xr
        index = xr.acquire_swapchain_image(self.handle, xr.SwapchainImageAcquireInfo())
        xr.wait_swapchain_image(self.handle, xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION))
        return index

    def bind(self, index: int) -> None:
        """Make image ``index`` (acquired) the framebuffer and viewport to draw into."""
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.framebuffer)
        GL.glFramebufferTexture2D(
            GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, self.images[index].image, 0
        )
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, self.depth)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise XrUnavailableError(f"cannot draw into the runtime's swapchain image (framebuffer status {status:#x})")
        GL.glViewport(0, 0, self.width, self.height)

    def release(self) -> None:
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, 0)
        self.xr.release_swapchain_image(self.handle, self.xr.SwapchainImageReleaseInfo())

    def close(self) -> None:
        GL.glDeleteFramebuffers(1, [self.framebuffer])
        GL.glDeleteRenderbuffers(1, [self.depth])
        self.xr.destroy_swapchain(self.handle)
