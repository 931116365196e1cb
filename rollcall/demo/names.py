"""Plausible Chinese names and mainland mobile numbers for the demo school."""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "子涵浩宇欣怡梓萱一诺雨桐思远俊杰博文佳琪晨阳雅婷嘉怡宇轩梓涵诗涵铭泽紫萱若曦家豪"
    "天佑明轩芷若梦瑶皓然可馨晓东志强海燕丽娜建国文博昊天雪梅静怡思琪鑫磊婉清瑞"
)
# Mobile prefixes of the three mainland carriers.
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "150", "151", "152", "157",
                   "158", "159", "182", "183", "187", "188", "130", "131", "132", "155",
                   "156", "185", "186", "133", "153", "180", "181", "189", "177", "199")


def person_name(rng: random.Random, surname: str | None = None) -> str:
    """A surname and a one- or two-character given name."""
    surname = surname or rng.choice(SURNAMES)
    length = 2 if rng.random() < 0.7 else 1
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(length))


def mobile_number(rng: random.Random) -> str:
    """A well-formed mainland mobile number, written the way parents give it."""
    digits = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
