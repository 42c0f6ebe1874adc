"""GLSL of the scene renderer: every instanced mesh of a scene, and the sky wherever they leave it showing.

Per instance the mesh shader gets a model matrix (attributes 2-5), a colour (6) and a material (7: glow,
phase, tile size, steady); it lights with a sun, a sky/ground ambient and distance fog, draws paving joints
where a tile size is set, and swells glowing lanterns with ``lantern_brightness`` from the uniform time, so
that nothing is uploaded per frame but the camera (view-projection and eye position) and the time.
"""

from __future__ import annotations

from .lantern_glow import GLOW_GLSL

SKY_VERTEX = """
#version 330 core
uniform mat4 u_view_projection;
uniform vec3 u_eye;
noperspective out vec3 v_direction;
void main() {
    vec2 corner = vec2(float((gl_VertexID & 1) * 4 - 1), float((gl_VertexID & 2) * 2 - 1));
    gl_Position = vec4(corner, 1.0, 1.0);  // on the far plane: depth 1
    vec4 along_the_ray = inverse(u_view_projection) * vec4(corner, 0.9, 1.0);  // a point a little way out
    v_direction = along_the_ray.xyz / along_the_ray.w - u_eye;
}
"""

SKY_FRAGMENT = """
#version 330 core
uniform vec3 u_sky;
uniform vec3 u_horizon;
noperspective in vec3 v_direction;
out vec4 fragment;
void main() {
    float height = normalize(v_direction).y;
    fragment = vec4(mix(u_horizon, u_sky, smoothstep(0.0, 0.45, height)), 1.0);
}
"""

MESH_VERTEX = """
#version 330 core
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in mat4 a_model;
layout(location = 6) in vec4 a_colour;
layout(location = 7) in vec4 a_material;
uniform mat4 u_view_projection;
out vec3 v_world;
out vec3 v_normal;
flat out vec4 v_colour;
flat out vec4 v_material;
void main() {
    vec4 world = a_model * vec4(a_position, 1.0);
    v_world = world.xyz;
    // a model matrix is a rotation times a scale along each axis (scene_kit.placement), so its inverse
    // transpose, which carries normals, is the matrix itself with each axis divided by its length squared
    mat3 linear = mat3(a_model);
    vec3 axis_lengths_squared = vec3(dot(linear[0], linear[0]), dot(linear[1], linear[1]), dot(linear[2], linear[2]));
    v_normal = linear * (a_normal / axis_lengths_squared);
    v_colour = a_colour;
    v_material = a_material;
    gl_Position = u_view_projection * world;
}
"""

MESH_FRAGMENT = (
    """
#version 330 core
uniform vec3 u_sky;
uniform vec3 u_horizon;
uniform vec3 u_ground;
uniform float u_sun;
uniform vec3 u_sun_direction;
uniform float u_fog_distance;
uniform float u_time;
uniform vec3 u_eye;
in vec3 v_world;
in vec3 v_normal;
flat in vec4 v_colour;
flat in vec4 v_material;
out vec4 fragment;
"""
    + GLOW_GLSL
    + """
float stone_shade(vec2 p) {  // a little variety from slab to slab
    return fract(sin(dot(floor(p), vec2(12.9898, 78.233))) * 43758.5453);
}

vec3 paving(vec3 base, float tile, vec3 normal) {
    // slabs on the ground, courses of squared blocks (each row offset by half a block) on walls
    vec3 facing = abs(normal);
    vec2 p;
    if (facing.y > 0.7) {
        p = v_world.xz / tile;
    } else {
        p = vec2((facing.x > facing.z ? v_world.z : v_world.x) / tile, v_world.y / (tile * 0.5));
        p.x += 0.5 * mod(floor(p.y), 2.0);
    }
    vec2 blur = fwidth(p);
    vec2 from_joint = min(fract(p), 1.0 - fract(p));
    float joint_width = 0.03;
    vec2 stone = smoothstep(vec2(joint_width) - blur, vec2(joint_width) + blur, from_joint);
    float visible = clamp(1.0 - 3.0 * max(blur.x, blur.y), 0.0, 1.0);
    float joint = (1.0 - stone.x * stone.y) * visible;
    float shade = 1.0 + (stone_shade(p) - 0.5) * 0.08 * visible;
    return base * shade * mix(1.0, 0.78, joint);
}

void main() {
    vec3 normal = normalize(v_normal);
    vec3 to_eye = u_eye - v_world;
    normal = dot(normal, to_eye) < 0.0 ? -normal : normal;  // light the side that faces the eye
    vec3 base = v_colour.rgb;
    if (v_material.z > 0.0) base = paving(base, v_material.z, normal);
    float sun = max(dot(normal, u_sun_direction), 0.0) * u_sun;
    vec3 ambient = mix(u_ground * 0.5 + 0.25, mix(vec3(1.0), u_sky, 0.3), 0.5 + 0.5 * normal.y);
    vec3 lit = base * (ambient * (0.7 - 0.2 * u_sun) + sun * vec3(0.52, 0.5, 0.46));
    float glow = v_material.x;
    float level = v_material.w > 0.5 ? 1.0 : lantern_brightness(v_material.y, u_time);
    float rim = 0.7 + 0.3 * abs(dot(normal, normalize(to_eye)));  // paper glows brightest face-on
    vec3 emitted = base * (0.35 + 0.85 * level) * rim;
    vec3 colour = mix(lit, emitted, glow);
    float haze = length(to_eye) / u_fog_distance;
    float fog = 1.0 - exp(-haze * haze);
    fragment = vec4(mix(colour, u_horizon, fog * (1.0 - 0.6 * glow)), 1.0);
}
"""
)
