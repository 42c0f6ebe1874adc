"""Compiling GLSL 330 core programs, with the driver's own message when one fails."""

from __future__ import annotations

from OpenGL import GL

from .errors import GraphicsUnavailableError


def _shader(kind: int, source: str, name: str) -> int:
    shader = GL.glCreateShader(kind)
    GL.glShaderSource(shader, source)
    GL.glCompileShader(shader)
    if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
        log = GL.glGetShaderInfoLog(shader).decode(errors="replace")
        raise GraphicsUnavailableError(f"the {name} shader did not compile: {log}")
    return shader


class Program:
    def __init__(self, vertex: str, fragment: str, name: str) -> None:
        shaders = [_shader(GL.GL_VERTEX_SHADER, vertex, name), _shader(GL.GL_FRAGMENT_SHADER, fragment, name)]
        self.id = GL.glCreateProgram()
        for shader in shaders:
            GL.glAttachShader(self.id, shader)
        GL.glLinkProgram(self.id)
        for shader in shaders:
            GL.glDeleteShader(shader)
        if not GL.glGetProgramiv(self.id, GL.GL_LINK_STATUS):
            log = GL.glGetProgramInfoLog(self.id).decode(errors="replace")
            raise GraphicsUnavailableError(f"the {name} program did not link: {log}")
        self._locations: dict[str, int] = {}

    def use(self) -> None:
        GL.glUseProgram(self.id)

    def location(self, name: str) -> int:
        if name not in self._locations:
            self._locations[name] = GL.glGetUniformLocation(self.id, name)
        return self._locations[name]

    def delete(self) -> None:
        GL.glDeleteProgram(self.id)
